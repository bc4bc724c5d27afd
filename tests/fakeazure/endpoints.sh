# SPDX-License-Identifier: MIT
# Sourced (POSIX sh) by the tests and benchmarks that start one fakeazure
# per directory with `--port-file DIR/ports` and its output in
# DIR/fake.log.
#
# fakeazure_endpoints DIR: wait (up to 60 s) for DIR/ports, then write
# DIR/endpoints.json, the endpoint file `overvisor --endpoints` reads (its
# flat form: login and Graph on localhost, Resource Manager on 127.0.0.1,
# so a request sent to the wrong host fails).  Prints DIR/fake.log to
# standard error and returns 1 when the service did not start.
fakeazure_endpoints() {
	_fa_n=0
	while [ ! -s "$1/ports" ] && [ "$_fa_n" -lt 600 ]; do
		sleep 0.1
		_fa_n=$((_fa_n + 1))
	done
	if [ ! -s "$1/ports" ]; then
		cat "$1/fake.log" >&2
		return 1
	fi
	cat > "$1/endpoints.json" <<EOF_ENDPOINTS
{"activeDirectory": "https://localhost:$(sed -n 's/^login=//p' "$1/ports")", "resourceManager": "https://127.0.0.1:$(sed -n 's/^arm=//p' "$1/ports")",
 "microsoftGraph": "https://localhost:$(sed -n 's/^graph=//p' "$1/ports")",
 "activeDirectoryResourceId": "https://management.core.windows.net/",
 "microsoftGraphResourceId": "https://graph.microsoft.com/"}
EOF_ENDPOINTS
}
