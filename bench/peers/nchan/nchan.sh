#!/usr/bin/env bash
# nginx + Nchan, the SSE peer of issue 3, run beside Ringcast for the SSE load tool (--target nchan).
#
#   bench/peers/nchan/nchan.sh install      # Debian's nginx-light + libnginx-mod-nchan (apt, as root), not started
#   bench/peers/nchan/nchan.sh start [PORT] # nginx on 127.0.0.1:PORT (default 18090), prints the master's pid
#   bench/peers/nchan/nchan.sh stop
#
# Endpoints: GET /sub/<channel> (EventSource), POST /pub/<channel> (the body is the message). Each channel keeps the
# last 1,000 messages for 60 s, as Ringcast keeps a bounded history. WORKERS (default: auto = one per core, nginx's
# usual setting) sets worker_processes. Config, pid and error log live in ${NCHAN_DIR:-/tmp/ringcast-nchan}.
set -euo pipefail
dir="${NCHAN_DIR:-/tmp/ringcast-nchan}"
module=/usr/lib/nginx/modules/ngx_nchan_module.so

case "${1:-}" in
  install)
    if [ -x /usr/sbin/nginx ] && [ -f "$module" ]; then echo "nginx + nchan already installed"; exit 0; fi
    # keep apt from starting the packaged nginx on port 80: we run our own instance with our own config
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light libnginx-mod-nchan >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light libnginx-mod-nchan >/dev/null; }
    /usr/sbin/nginx -v
    ;;
  start)
    port="${2:-18090}"
    [ -f "$module" ] || { echo "nchan is not installed: run '$0 install' first" >&2; exit 1; }
    mkdir -p "$dir"
    cat > "$dir/nginx.conf" <<CONF
load_module $module;
worker_processes ${WORKERS:-auto};
worker_rlimit_nofile $(ulimit -Hn);
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections $(ulimit -Hn); multi_accept on; }
http {
  access_log off;
  keepalive_requests 1000000000;   # nginx closes a keep-alive connection after 1,000 requests by default
  client_body_temp_path $dir/body;
  nchan_shared_memory_size 256m;
  server {
    listen 127.0.0.1:$port backlog=4096;
    location ~ ^/sub/(.+)\$ {
      nchan_subscriber eventsource;
      nchan_channel_id \$1;
    }
    location ~ ^/pub/(.+)\$ {
      nchan_publisher;
      nchan_channel_id \$1;
      nchan_message_buffer_length 1000;
      nchan_message_timeout 60s;
    }
  }
}
CONF
    ulimit -n "$(ulimit -Hn)"
    /usr/sbin/nginx -c "$dir/nginx.conf" -g 'daemon on;'
    for _ in $(seq 50); do [ -s "$dir/nginx.pid" ] && break; sleep 0.1; done
    cat "$dir/nginx.pid"
    ;;
  stop)
    [ -s "$dir/nginx.pid" ] && /usr/sbin/nginx -c "$dir/nginx.conf" -s quit || true
    ;;
  *) sed -n '2,10p' "$0"; exit 2 ;;
esac
