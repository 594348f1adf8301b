# syntax=docker/dockerfile:1
# langsmith-preflight as a static (musl) binary on a minimal base: the CA
# certificates the AWS SDK's TLS needs, a non-root user, and the tool as the
# entrypoint. Build: docker build -t langsmith-preflight .
FROM rust:1.94-alpine3.22 AS build
# A C toolchain for aws-lc-sys (the SDK's TLS crypto); versions follow the Alpine release.
RUN apk add --no-cache build-base cmake perl
WORKDIR /src
COPY Cargo.toml Cargo.lock README.md ./
COPY src src
COPY checks checks
COPY examples examples
COPY benches benches
COPY tests/support tests/support
# The profile of the released binaries (Cargo.toml [profile.dist]).
RUN cargo build --profile dist --locked --bin langsmith-preflight \
    && cp target/dist/langsmith-preflight /langsmith-preflight

# Alpine rather than distroless: CI systems such as GitLab run their job
# scripts with the image's shell.
FROM alpine:3.22
RUN apk add --no-cache ca-certificates \
    && adduser -D -u 65532 -h /home/preflight preflight
COPY --from=build /langsmith-preflight /usr/local/bin/langsmith-preflight
# The example snapshots, for a check without an AWS account:
#   docker run --rm langsmith-preflight check --snapshot /examples/reference-deployment.json
COPY --from=build /src/examples/reference-deployment.json /src/examples/broken-deployment.json /examples/
USER 65532:65532
WORKDIR /home/preflight
ENTRYPOINT ["/usr/local/bin/langsmith-preflight"]
CMD ["--help"]
