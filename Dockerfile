# resident: build a static binary with the Go version go.mod names, then
# run `resident serve` from an image that holds nothing else.

FROM golang:1.26.8 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /resident . \
	&& /resident --help >/dev/null

# distroless/static has CA certificates and time zones but no shell or
# package manager. It runs as root so that an existing /data volume owned
# by root stays writable, as the service has always been run; pass
# --user with the folder's owner to run unprivileged.
FROM gcr.io/distroless/static-debian12
COPY --from=build /resident /resident
ENV RESIDENT_DATA=/data RESIDENT_LISTEN=:8000
EXPOSE 8000
VOLUME /data
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
	CMD ["/resident", "healthcheck"]
ENTRYPOINT ["/resident"]
CMD ["serve"]
