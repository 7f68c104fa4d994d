#!/usr/bin/env bash
# Installs the Debian packages the tests use, if missing: chromium (the lab's end-to-end tests
# drive Debian's Chromium, never Playwright's download) and the SpiderMonkey and JavaScriptCore
# shells (the cross-engine determinism test), RabbitMQ and NATS (the live-broker tests of
# `brokerlab real`; the tests start private servers themselves, see test/setup/brokers.ts).
# Uses sudo unless run as root.
set -uo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/bin/js102 ] || missing+=(libmozjs-102-dev)
[ -x /usr/bin/jsc ] || missing+=(libjavascriptcoregtk-4.0-bin)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
[ -x /usr/sbin/nats-server ] || missing+=(nats-server)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "== installing ${missing[*]}"
SUDO=$([ "$(id -u)" -eq 0 ] || echo sudo)
$SUDO apt-get install -y "${missing[@]}" >/dev/null 2>&1 ||
  { $SUDO apt-get update >/dev/null 2>&1 && $SUDO apt-get install -y "${missing[@]}" >/dev/null 2>&1; } ||
  { echo "could not install ${missing[*]}" >&2; exit 1; }
