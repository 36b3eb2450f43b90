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
