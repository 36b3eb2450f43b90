# Shared settings for the scripts: sourced, not run.
# The AWS SDK takes minutes to compile: one target directory outside the
# checkout, reused by every clone and CI run on this machine.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cloudgrade/target}"
# moto lives in its own virtual environment, made once.
CLOUDGRADE_VENV="${CLOUDGRADE_VENV:-$HOME/.cache/cloudgrade/venv}"
export PATH="$CLOUDGRADE_VENV/bin:$PATH"
# LocalStack (scripts/setup-localstack.sh) has a venv of its own: its pins
# would fight moto's.
CLOUDGRADE_LOCALSTACK_VENV="${CLOUDGRADE_LOCALSTACK_VENV:-$HOME/.cache/cloudgrade/localstack-venv}"
# cargo names the units of path packages by their path relative to the
# workspace, so two checkouts sharing that target directory share units: a
# unit built in one checkout then counts as fresh in another (its dep-info
# lists the first checkout's files), and a binary silently holds the other
# checkout's code. When the checkout using the directory changes, our own
# packages are cleaned (the AWS SDK and every other dependency stay built).
cloudgrade_checkout="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cloudgrade_marker="$CARGO_TARGET_DIR/.cloudgrade-checkout"
if [ -d "$CARGO_TARGET_DIR" ] && [ "$(cat "$cloudgrade_marker" 2>/dev/null)" != "$cloudgrade_checkout" ]; then
  (cd "$cloudgrade_checkout" && cargo clean -q \
    -p cloudgrade -p cloudgrade-model -p cloudgrade-aws -p cloudgrade-terraform \
    -p cloudgrade-container -p cloudgrade-dockerfile -p cloudgrade-worlds -p cloudgrade-testkit)
fi
mkdir -p "$CARGO_TARGET_DIR" && printf '%s\n' "$cloudgrade_checkout" > "$cloudgrade_marker"
