# Helpers for bench/run.sh (sourced). They use the globals run.sh sets: OUT, RUNS, WARMUP.

log() { printf '\n== %s\n' "$*"; }

# aot_state CACHE JAR: whether a JVM AOT cache is there and at least as new as the jar it was trained with (the
# JVM ignores a cache whose class path changed, so the CLI's figures are without it then).
aot_state() {
  if [ ! -f "$1" ]; then echo "absent"
  elif [ "$1" -ot "$2" ]; then echo "older than its jar (probably not used)"
  else echo "present"
  fi
}

# wait_until SECONDS DESCRIPTION CMD...: retries CMD every 0.1 s until it succeeds or SECONDS pass.
wait_until() {
  local limit=$1 what=$2 i
  shift 2
  for ((i = 0; i < limit * 10; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench: $what not ready after ${limit}s" >&2
  return 1
}

# hf KEY LABEL [VAR=VALUE...] -- COMMAND: hyperfine without a shell (-N); raw JSON to $OUT/KEY.json and a
# line "KEY<Tab>LABEL<Tab>COMMAND" in $OUT/commands.tsv for the summary. VAR=VALUE pairs are set in
# hyperfine's environment (so in the timed command's). A failing command is reported and skipped.
hf() {
  local key=$1 label=$2 envs=()
  shift 2
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  printf '%s\t%s\t%s\n' "$key" "$label" "${envs[*]}${envs[*]:+ }$*" >> "$OUT/commands.tsv"
  if ! env "${envs[@]}" hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" \
      --export-json "$OUT/$key.json" --command-name "$label" "$*"; then
    echo "bench: '$label' failed; it is left out of the results. One more run, with its output:" >&2
    env "${envs[@]}" "$@" 2>&1 | tail -n 20 | sed 's/^/  | /' >&2  || true
    rm -f "$OUT/$key.json"
  fi
}

# rss_kib PID...: the sum of VmRSS over the processes, in KiB.
rss_kib() {
  local pid sum=0 kib
  for pid in "$@"; do
    kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
    sum=$((sum + kib))
  done
  echo "$sum"
}

# mem KEY LABEL PID...: records the summed RSS of the processes in $OUT/memory.tsv.
mem() {
  local key=$1 label=$2
  shift 2
  printf '%s\t%s\t%s\n' "$key" "$(rss_kib "$@")" "$label" >> "$OUT/memory.tsv"
}

# start_many COUNT LABEL CMD...: runs CMD COUNT times (each starts one detached container), printing
# progress; records the wall time and failures in $OUT/starts.tsv.
start_many() {
  local count=$1 label=$2 i failed=0 t0 t1
  shift 2
  t0=$(date +%s%N)
  for ((i = 1; i <= count; i++)); do
    "$@" >/dev/null 2>>"$OUT/start-errors.log" || {
      # A Ctrl-C the JVM of the berth CLI turned into exit status 130: bash would carry on, so stop here.
      [ $? -ne 130 ] || exit 130
      failed=$((failed + 1))
    }
    ((i % 50 == 0 || i == count)) && printf '  %s: %d/%d started\n' "$label" "$i" "$count"
  done
  t1=$(date +%s%N)
  printf '%s\t%d\t%d\t%d\n' "$label" "$count" "$failed" "$(((t1 - t0) / 1000000))" >> "$OUT/starts.tsv"
  [ "$failed" -eq 0 ] || echo "bench: $failed of $count starts failed ($label), see $OUT/start-errors.log" >&2
}

# alive PID: the process exists and is not a zombie.
alive() { [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# stop_pid PID SECONDS: SIGTERM, wait up to SECONDS, then SIGKILL.
stop_pid() {
  local pid=$1 limit=$2 i
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < limit * 10; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
  echo "bench: pid $pid ignored SIGTERM for ${limit}s; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

# pids_mentioning PATH: processes whose command line contains PATH (helpers our daemons left behind).
pids_mentioning() {
  local f pid
  for f in /proc/[0-9]*/cmdline; do
    pid=${f#/proc/}
    pid=${pid%/cmdline}
    [ "$pid" != $$ ] || continue
    tr '\0' ' ' 2>/dev/null < "$f" | grep -qF -- "$1" && echo "$pid"
  done
  return 0
}

# unmount_under DIR: unmounts everything mounted at or below DIR, deepest first.
unmount_under() {
  awk -v d="$1" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

# remove_private_state: what a bench leaves once its engines are stopped: processes that outlived them (conmon,
# containerd, shims: found by the bench's private paths $R and $W), mounts and files under those paths, and the
# host paths the bench created (host_paths_new).
remove_private_state() {
  local left pid p
  left=$( (pids_mentioning "$R/"; pids_mentioning "$W/") | sort -u)
  if [ -n "$left" ]; then
    echo "bench: stopping leftover processes:" $left >&2
    for pid in $left; do stop_pid "$pid" 5; done
  fi
  unmount_under "$W"
  unmount_under "$R"
  rm -rf "$W" "$R"
  for p in "${host_paths_new[@]}"; do
    unmount_under "$p"
    rm -rf "$p"
  done
}

# restore_ip_forward BEFORE: puts net.ipv4.ip_forward back as it was before the bench's engines changed it.
restore_ip_forward() {
  if [ "$(cat /proc/sys/net/ipv4/ip_forward)" != "$1" ]; then
    echo "bench: restoring net.ipv4.ip_forward=$1" >&2
    echo "$1" > /proc/sys/net/ipv4/ip_forward
  fi
}
