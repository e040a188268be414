#!/usr/bin/env bash
# The long versions of pmquiz's sync tests, which `cargo test` leaves out (they are #[ignore]d):
#
#   - syncs killed with SIGKILL at random moments: two devices of 20 000 answers each, 40
#     rounds of kills per seed (tests/sync_faults.rs);
#   - the simulation of one learner on 2 to 5 devices for a year, checked against a single
#     device (src/sync/simulation.rs).
#
#   scripts/sync-soak.sh [SEEDS]    SEEDS seeds of each (default 5); built in release mode
#
# Minutes of work on two cores; run it when the machine is quiet.
set -euo pipefail
cd "$(dirname "$0")/.."
export PMQUIZ_SOAK_SEEDS=${1:-5}
echo "== kills at random moments ($PMQUIZ_SOAK_SEEDS seeds)"
time cargo test --release --test sync_faults -- --ignored --nocapture syncs_killed_at_random_moments_soak
echo "== simulation of several devices for a year ($PMQUIZ_SOAK_SEEDS seeds)"
time cargo test --release --lib -- --ignored --nocapture sync::simulation
