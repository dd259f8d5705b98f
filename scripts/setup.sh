#!/usr/bin/env bash
# Installs what the app and its tests need on a fresh Debian machine, and skips what is there:
# apt packages (Chromium for browser tests, gettext), the virtualenv and Python packages,
# npm packages and the front-end build, compiled translations and the database schema.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
APT_PACKAGES=(chromium gettext)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> Installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "==> Creating the virtualenv in $VENV"
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.requirements.sha"
want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> Installing Python packages"
  # This machine kind's pip prints a harmless "Location ... is ignored" line per package.
  "$VENV/bin/pip" install -q --disable-pip-version-check -r requirements-dev.txt 2> >(grep -v "is ignored" >&2)
  echo "$want" > "$stamp"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> Installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ ! -f static/dist/app.js ] || [ -n "$(find static/src static/css package-lock.json -newer static/dist/app.js 2>/dev/null | head -n 1)" ]; then
  echo "==> Building the front-end"
  npm run --silent build
fi

echo "==> Compiling translations"
"$VENV/bin/python" manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
