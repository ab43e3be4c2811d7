#!/usr/bin/env bash
# The repository's site as a static host serves it, checked by real tools:
#   1. build it with a base URL under a path prefix (http://127.0.0.1:PORT/region/);
#   2. serve it with nginx on loopback, with each language's 404 page;
#   3. check it in headless Chromium (playwright-core, axe-core): e2e.mjs; search it the
#      way a visitor does, in both languages: search.mjs;
#   4. check every HTML file with the Nu HTML checker;
#   5. follow every link of every page with linkinator; validate sitemap.xml against the
#      sitemaps.org schema and the Atom feeds with xmllint; check-feeds-and-sitemap.py
#      checks what the feeds must hold and that every URL in them and in the sitemap is a
#      page of the site;
#   6. `regionprofil serve` on a copy of the site: live reload in Chromium (live-reload.mjs).
# Installs what it needs: Debian's chromium, nginx, xmllint and Java, the npm packages in
# package-lock.json.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/target/e2e"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v java >/dev/null || missing+=(default-jre-headless)
command -v xmllint >/dev/null || missing+=(libxml2-utils)
command -v python3 >/dev/null || missing+=(python3)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

(cd "$here" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port/region/"
rm -rf "$out"
mkdir -p "$out/srv" "$out/nginx"
(cd "$root" && cargo build --release --quiet)
"$root/target/release/regionprofil" build --root "$root" --base-url "$base" --output "$out/srv/region"

user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root root;"
cat > "$out/nginx/nginx.conf" <<CONF
$user_line
worker_processes 1;
daemon off;
pid $out/nginx/nginx.pid;
error_log $out/nginx/error.log;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log $out/nginx/access.log;
  server {
    listen 127.0.0.1:$port;
    root $out/srv;
    location /region/en/ { error_page 404 /region/en/404.html; }
    location /region/ { error_page 404 /region/404.html; }
  }
}
CONF
"$nginx_bin" -c "$out/nginx/nginx.conf" -p "$out/nginx" &
nginx_pid=$!
trap 'kill "$nginx_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fsS -o /dev/null "$base" 2>/dev/null && break
  sleep 0.1
done
echo "Serving $base with nginx"

node "$here/e2e.mjs" "$base" "$out/srv/region" "$out/screenshots"

echo "Searching the site in Chromium"
node "$here/search.mjs" "$base"

echo "Checking every HTML file with the Nu HTML checker"
java -jar "$here/node_modules/vnu-jar/build/dist/vnu.jar" --errors-only --skip-non-html "$out/srv/region"
echo "The Nu HTML checker found no errors"

echo "Following every link with linkinator (other hosts are skipped: the check runs offline)"
(cd "$here" && npx --no-install linkinator "$base" --recurse --check-fragments --check-css --skip "^https?://(?!127\.0\.0\.1:$port/)" \
  --format csv > "$out/links.csv") || {
  grep ',BROKEN,' "$out/links.csv" | head -40
  echo "linkinator found broken links (all results: $out/links.csv)"
  exit 1
}
echo "linkinator: $(($(wc -l < "$out/links.csv") - 1)) links, none broken"

echo "Validating sitemap.xml and the Atom feeds"
find "$out/srv/region" -name '*.xml' -print0 | xargs -0 xmllint --noout --nonet
xmllint --noout --nonet --schema "$here/xsd/sitemap-local.xsd" "$out/srv/region/sitemap.xml"
python3 "$here/check-feeds-and-sitemap.py" "$base" "$out/srv/region"

echo "Checking live reload: regionprofil serve on a copy of the site, in Chromium"
live="$out/live-site"
mkdir -p "$live"
for part in site.yaml content data static themes i18n templates; do
  [ -e "$root/$part" ] && cp -r "$root/$part" "$live/"
done
node "$here/live-reload.mjs" "$root/target/release/regionprofil" "$live"
