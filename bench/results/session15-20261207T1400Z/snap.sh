#!/bin/bash
# snap.sh name : compile the worktree engine and copy its classes to eng-<name>
cd /work/tmp27/wt && mvn -B -q -o compile -Djacoco.skip=true -pl engine || exit 1
rm -rf /work/tmp27/eng-$1 && cp -r engine/target/classes /work/tmp27/eng-$1
