#!/bin/bash
# run the stream-messages test N times under CPU load
cd /work/main
for i in 1 2; do (node -e "for(;;){}" &) ; done
for i in $(seq 1 6); do
  timeout 200 npx vitest run test/browser/calls.test.ts -t "stream messages" > /tmp/stress-$i.log 2>&1
  echo "run $i: $(grep -cE '✓|passed' /tmp/stress-$i.log) $(grep -o 'Tests .*' /tmp/stress-$i.log | sed 's/\x1b\[[0-9;]*m//g')"
done
pkill -f "for\(;;\)"
