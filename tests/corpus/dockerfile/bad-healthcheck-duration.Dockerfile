FROM busybox
HEALTHCHECK --interval=forever CMD true
