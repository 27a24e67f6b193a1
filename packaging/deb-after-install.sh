#!/bin/sh
# Installs the systemd unit shipped inside the app and creates the kiosk's service user.
set -e
RES="/opt/Stander Kiosk/resources"
UNIT_SRC="$RES/stander-kiosk.service"
if ! getent passwd stander >/dev/null 2>&1; then
  useradd --system --create-home --home-dir /var/lib/stander --shell /usr/sbin/nologin \
    --groups video,render,input stander 2>/dev/null || useradd --system --create-home --home-dir /var/lib/stander --shell /usr/sbin/nologin stander
fi
install -d -m 0700 -o stander -g stander /etc/stander
if [ -f "$UNIT_SRC" ] && [ -d /lib/systemd/system ]; then
  install -m 0644 "$UNIT_SRC" /lib/systemd/system/stander-kiosk.service
  if command -v systemctl >/dev/null 2>&1; then systemctl daemon-reload || true; fi
fi
if [ -f "$RES/99-stander-kiosk.rules" ] && [ -d /etc/udev/rules.d ]; then
  install -m 0644 "$RES/99-stander-kiosk.rules" /etc/udev/rules.d/99-stander-kiosk.rules
  if command -v udevadm >/dev/null 2>&1; then udevadm control --reload-rules && udevadm trigger || true; fi
fi
exit 0
