#!/usr/bin/env bash
# Builds the Debian package of Pointsman from the shaded jar, with dpkg-deb (no debhelper).
#   packaging/deb/build-deb.sh agent/target/pointsman.jar 0.1.0-SNAPSHOT agent/target
# writes agent/target/pointsman_0.1.0~SNAPSHOT_all.deb and prints its path.
# `mvn -B package` runs it when dpkg-deb is installed (the agent's "deb" profile).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
jar="$1"
version="${2//-/\~}"          # 0.1.0-SNAPSHOT -> 0.1.0~SNAPSHOT (sorts before 0.1.0)
out="$3"
[ -f "$jar" ] || { echo "build-deb: no jar at $jar" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "build-deb: dpkg-deb is not installed" >&2; exit 1; }

stage="$(mktemp -d)"
chmod 0755 "$stage"   # the package root is /: never 0700
trap 'rm -rf "$stage"' EXIT
install -d -m 0755 "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/share/pointsman" \
  "$stage/lib/systemd/system" "$stage/etc/default" "$stage/usr/share/doc/pointsman"
install -m 0644 "$jar" "$stage/usr/share/pointsman/pointsman.jar"
install -m 0755 "$here/pointsman.sh" "$stage/usr/bin/pointsman"
install -m 0644 "$here/pointsman.service" "$stage/lib/systemd/system/pointsman.service"
install -m 0644 "$here/pointsman.default" "$stage/etc/default/pointsman"
install -m 0644 "$root/README.md" "$stage/usr/share/doc/pointsman/README.md"
cp -r "$root/config-repo-template" "$stage/usr/share/doc/pointsman/config-repo-template"
find "$stage/usr/share/doc/pointsman/config-repo-template" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
cat > "$stage/usr/share/doc/pointsman/copyright" <<'COPYRIGHT'
Pointsman, with its dependencies (Netty, JGit, Jackson, SnakeYAML, Quartz, picocli,
SLF4J, BouncyCastle, Apache MINA SSHD) inside /usr/share/pointsman/pointsman.jar,
each under its own license (Apache-2.0, EPL-1.0/EDL-1.0, MIT, BSD).
COPYRIGHT
for f in postinst prerm postrm; do
  install -m 0755 "$here/$f" "$stage/DEBIAN/$f"
done
echo "/etc/default/pointsman" > "$stage/DEBIAN/conffiles"
size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$here/control" > "$stage/DEBIAN/control"
mkdir -p "$out"
deb="$out/pointsman_${version}_all.deb"
dpkg-deb --root-owner-group -Zgzip --build "$stage" "$deb" >/dev/null
echo "$deb"
