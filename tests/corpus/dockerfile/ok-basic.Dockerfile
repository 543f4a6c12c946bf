FROM busybox
RUN echo hi
COPY a /b
CMD ["sh"]
