#!/usr/bin/env bash
# Gradescope builds the autograder image with this, once. The zip uploaded
# to Gradescope holds setup.sh, run_autograder and the `cloudgrade` binary
# for Linux x86_64 (it needs no other package: no terraform, no AWS account).
set -euo pipefail
chmod +x /autograder/source/cloudgrade
/autograder/source/cloudgrade --version
