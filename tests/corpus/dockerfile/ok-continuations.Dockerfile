# syntax=docker/dockerfile:1
# escape=\
FROM busybox AS base
RUN echo a \
  && echo b
ENV A=1 B="two words"
LABEL x=y
