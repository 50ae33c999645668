#!/bin/sh
# certbot deploy hook for Pointsman: install as
#   /etc/letsencrypt/renewal-hooks/deploy/pointsman.sh   (chmod 755)
# certbot runs it after each successful renewal with RENEWED_LINEAGE=/etc/letsencrypt/live/NAME.
#
# It copies the new fullchain.pem and privkey.pem where the pointsman user can read them,
# each written to a temporary file and renamed into place (a reader never sees half a file).
# Nothing is reloaded: Pointsman watches these files and serves the new certificate to new
# handshakes within seconds; connections in flight keep theirs. It then asks the node's
# status API which certificate it serves, so a renewal that did not take shows in certbot's log.
set -eu
: "${RENEWED_LINEAGE:?certbot sets RENEWED_LINEAGE}"
name=$(basename "$RENEWED_LINEAGE")
dest=${POINTSMAN_TLS_DIR:-/etc/pointsman/tls}/$name
group=${POINTSMAN_GROUP:-pointsman}
status=${POINTSMAN_STATUS:-http://127.0.0.1:9900/status}

install -d -m 0750 -g "$group" "$dest"
for f in privkey.pem fullchain.pem; do      # the key first: the pair settles as one change
    install -m 0640 -g "$group" "$RENEWED_LINEAGE/$f" "$dest/.$f.new"
    mv -f "$dest/.$f.new" "$dest/$f"
done

# Pointsman reads a change once it has settled (two looks a second apart): wait until its
# status shows the new certificate (its serial number) serving from this file, without an error.
want=$(openssl x509 -in "$dest/fullchain.pem" -noout -serial | cut -d= -f2)
for _ in 1 2 3 4 5 6 7 8 9 10; do
    sleep 1
    # One line per JSON object, blanks left out (the status is pretty-printed).
    if curl -fsS "$status" 2>/dev/null | tr -d ' \n' | tr '{' '\n' \
            | grep -F "\"file\":\"$(printf %s "$dest" | tr -d ' ')/fullchain.pem\"" \
            | grep -F "\"serial\":\"$want\"" | grep -qF '"error":null'; then
        echo "pointsman serves the renewed $dest/fullchain.pem (serial $want)"
        exit 0
    fi
done
echo "pointsman has not loaded $dest/fullchain.pem yet: see 'pointsman status' (certificates)" >&2
exit 1
