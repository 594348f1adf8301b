# Sourced by scripts/test.sh and scripts/bench.sh: installs moto's server (the
# AWS emulator started on 127.0.0.1 by the tests and the benchmark) into a
# private virtualenv and exports MOTO_SERVER. Fails loudly if it cannot.
MOTO_VERSION="5.2.1"
VENV="target/moto-venv"
if [ ! -x "$VENV/bin/moto_server" ] || ! "$VENV/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')"; then
  echo "installing moto[server]==$MOTO_VERSION into $VENV" >&2
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi
export MOTO_SERVER="$PWD/$VENV/bin/moto_server"
"$MOTO_SERVER" --help >/dev/null
# The proxy between the tool and moto (scripts/aws-proxy.py) needs only python3.
python3 -c "import http.server" >/dev/null

# Keep runs hermetic: no real AWS configuration leaks in, and the SDK never
# probes the EC2 instance metadata service.
unset AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_ENDPOINT_URL
export AWS_EC2_METADATA_DISABLED=true
# Everything the tests send goes to 127.0.0.1: never through a proxy the
# environment may name (the SDK honours HTTP_PROXY/HTTPS_PROXY).
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy="$NO_PROXY"
