#!/bin/sh
set -e
if [ "$1" = "remove" ] || [ "$1" = "purge" ]; then
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now stander-kiosk.service 2>/dev/null || true; fi
  rm -f /lib/systemd/system/stander-kiosk.service /etc/udev/rules.d/99-stander-kiosk.rules
  if command -v systemctl >/dev/null 2>&1; then systemctl daemon-reload || true; fi
fi
exit 0
