FROM busybox
RUN <<EOF
echo one
echo two
EOF
COPY <<EOT /f
content
EOT
