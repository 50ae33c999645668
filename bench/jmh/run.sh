#!/usr/bin/env bash
# bench/jmh/run.sh [JMH args…] — build the proxy into a private Maven repo, build the JMH
# benchmarks, run them, print a Markdown table.
#
#   bench/jmh/run.sh                          # everything, -f 1 -wi 3 -i 5 -w 1s -r 1s
#   bench/jmh/run.sh CompileSwap              # a regex of benchmarks
#   JMH_OPTS="-f 1 -wi 1 -i 1 -w 300ms -r 300ms" bench/jmh/run.sh Routing   # a quick look
#
# The private repo (bench/.m2repo, seeded from ~/.m2/repository) keeps `install` away from
# the shared ~/.m2 SNAPSHOTs.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
REPO=${JMH_REPO_LOCAL:-$ROOT/bench/.m2repo}
OPTS=${JMH_OPTS:--f 1 -wi 3 -i 5 -w 1s -r 1s}
OUT=${JMH_OUT:-$HERE/target/jmh-result.csv}

if [ ! -d "$REPO" ]; then
    if [ -d "$HOME/.m2/repository" ]; then cp -r "$HOME/.m2/repository" "$REPO"; else mkdir -p "$REPO"; fi
fi
if [ -z "${JMH_TABLE_ONLY:-}" ] && [ -z "${JMH_SKIP_BUILD:-}" ]; then  # JMH_TABLE_ONLY=1: the table of the last run; JMH_SKIP_BUILD=1: use the built jar
echo "building the proxy into $REPO and the benchmarks" >&2
(cd "$ROOT" && { mvn -B -q -o install -DskipTests -pl proxy -am "-Dmaven.repo.local=$REPO" \
    || mvn -B -q install -DskipTests -pl proxy -am "-Dmaven.repo.local=$REPO"; }) >&2
{ mvn -B -q -o -f "$HERE/pom.xml" package "-Dmaven.repo.local=$REPO" \
    || mvn -B -q -f "$HERE/pom.xml" package "-Dmaven.repo.local=$REPO"; } >&2
fi

mkdir -p "$(dirname "$OUT")"
[ -n "${JMH_TABLE_ONLY:-}" ] || echo "$(date -u '+%Y-%m-%d %H:%M UTC'), load average at start $(cut -d' ' -f1-3 /proc/loadavg)" >"$OUT.when"
# shellcheck disable=SC2086
[ -n "${JMH_TABLE_ONLY:-}" ] || java -jar "$HERE/target/benchmarks.jar" $OPTS -rf csv -rff "$OUT" "$@" >"$HERE/target/jmh-output.txt" 2>&1 \
    || { tail -40 "$HERE/target/jmh-output.txt" >&2; exit 1; }

echo
echo "### JMH ($OPTS; $(nproc) cores; $(cat "$OUT.when" 2>/dev/null); at end $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| benchmark | parameters | score ± error (99.9%) | unit |"
echo "| --- | --- | --- | --- |"
# JMH's CSV quotes strings, not numbers; no value here holds a comma
awk -F',' 'function num(v,   s, r) {
        if (v == "NaN" || v == "") return ""
        if (v < 100) return sprintf("%.3g", v)
        s = sprintf("%.0f", v); r = ""
        while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }
        return s r }
    { sub(/\r$/, ""); for (i = 1; i <= NF; i++) gsub(/"/, "", $i) }
    NR == 1 { for (i = 1; i <= NF; i++) h[i] = $i; n = NF; next }
    {
        b = $1; sub(/^.*\./, "", b); cls = $1; sub(/\.[^.]*$/, "", cls); sub(/^.*\./, "", cls)
        p = ""
        for (i = 8; i <= n; i++) if ($i != "" && $i != "N/A") { k = h[i]; sub(/^Param: /, "", k); p = p (p == "" ? "" : ", ") k "=" $i }
        err = num($6); if (err != "") err = " ± " err
        printf "| %s.%s | %s | %s%s | %s |\n", cls, b, p, num($5), err, $7
    }' "$OUT"
echo
echo "(raw: $OUT, log: $HERE/target/jmh-output.txt)"
