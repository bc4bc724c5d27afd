# SPDX-License-Identifier: MIT
# The JSON differential test also links jansson, the reference parser it
# compares against (a test-only dependency; see scripts/deps.sh).
pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)
target_link_libraries(test_json_diff PRIVATE PkgConfig::JANSSON)
