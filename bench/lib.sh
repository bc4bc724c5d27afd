# SPDX-License-Identifier: MIT
# Helpers the benchmark scripts source: the machine line, medians, a clock.

# Median of the numbers on stdin (the middle one; the lower of two).
median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# The machine the figures come from.
machine() {
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
	cores=$(nproc 2>/dev/null || echo "?")
	ram=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
	echo "== machine"
	echo "cpu: ${cpu:-unknown}; cores: $cores; ram: ${ram:-unknown}"
	echo "compiler: $(cc --version 2>/dev/null | head -n 1)"
}

# Seconds since the epoch, with fractions.
now() {
	date +%s.%N
}

# elapsed T0 T1: seconds between two now() readings, 3 decimals.
elapsed() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", b - a }'
}

# ratio A B: A / B as "N.NNx", or "-" when either is missing.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.2fx", a / b; else print "-" }'
}
