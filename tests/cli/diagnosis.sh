#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Diagnosis in the JSON report (issue 5, acceptance 1, 2, 4): the causes the
# older samples get (made by the kernel lab, see each README), the shape of
# explanation.cause / explanation.diagnosis / flagged_packets[].cause /
# summary.by_cause / summary.by_reason, an event without a packet, and a
# broken diagnosis rule file (exit 3, file and rule named).
. "${top_srcdir:-.}/tests/cli/cli-lib.sh"
S="$top_srcdir/samples"

plan 9

# all_events SAMPLE CAUSE: every logged event of the sample gets CAUSE
all_events() {
	run --format json "$S/$1"
	status_is 0 && is "$1 events with $2" "$(jget "/summary/by_cause/$2/events")" \
		"$(jget /summary/events)"
}

all_events midstream-pickup midstream_pickup
ok $? "midstream-pickup: every event is midstream_pickup"
all_events wscale-stripped wscale_mismatch
ok $? "wscale-stripped: every event is wscale_mismatch"
all_events asymmetric-oneway asymmetric_route
ok $? "asymmetric-oneway: every event is asymmetric_route"
all_events fragments-ipv4 fragmentation
ok $? "fragments-ipv4: every event is fragmentation"

# tcp-malformed: truncated headers, bad checksums and invalid flag
# combinations; the combinations sent inside an established connection of the
# sample are not a scan (cause unknown), the others are
run --format json "$S/tcp-malformed"
flags=$(jget /summary/by_reason/tcp.flags_invalid/events)
scan=$(jget /summary/by_cause/flag_scan/events)
status_is 0 &&
	is truncated "$(jget /summary/by_reason/tcp.truncated/events)" \
		"$(jget /summary/by_cause/malformed_header/events)" &&
	is checksum "$(jget /summary/by_reason/tcp.bad_checksum/events)" \
		"$(jget /summary/by_cause/checksum_corrupt/events)" &&
	is flags_rest "$((flags - scan))" "$(jget /summary/by_cause/unknown/events)" &&
	[ "$scan" -gt 0 ]
ok $? "tcp-malformed: truncated -> malformed_header, checksums -> checksum_corrupt, flag combinations -> flag_scan (unknown inside a connection)"

# shape of what one event and one flagged packet carry
run --format json "$S/wscale-stripped"
n=$(jget /events/0/explanation/diagnosis/timeline/#)
last=$((n - 1))
status_is 0 &&
	is cause "$(jget /events/0/explanation/cause)" wscale_mismatch &&
	is confidence "$(jget /events/0/explanation/diagnosis/confidence)" high &&
	is sentence "$(jtype /events/0/explanation/diagnosis/sentence)" string &&
	is evidence "$(jtype /events/0/explanation/diagnosis/evidence)" array &&
	is consequence "$(jtype /events/0/explanation/diagnosis/consequence)" string &&
	is remedy "$(jtype /events/0/explanation/diagnosis/remedies/0/tradeoff)" string &&
	is flagged_step "$(jget /events/0/explanation/diagnosis/timeline/$last/flagged)" true &&
	is step_index "$(jget /events/0/explanation/diagnosis/timeline/$last/index)" \
		"$(jget /events/0/match/index)" &&
	is first_step "$(jget /events/0/explanation/diagnosis/timeline/0/flagged)" false &&
	is flagged_cause "$(jget /flagged_packets/0/cause)" wscale_mismatch &&
	is by_reason "$(jtype /summary/by_reason)" object
ok $? "event: cause, confidence, sentence, evidence, consequence, remedies with trade-offs, timeline ending at the matched packet; flagged packet: cause"

# the remedies name the knobs the issue asks for
grep -q '"name": "nf_conntrack_tcp_be_liberal=1"' "$T/out" &&
	grep -q '"name": "drop INVALID in the ruleset"' "$S/../rules/diagnosis/remedies.json"
ok $? "be_liberal offered with its trade-off; dropping INVALID is a remedy"

# no capture: every event is 'unknown' with the facts of the log dump
run --format json "$S/midstream-pickup/kern.log"
status_is 0 &&
	is cause "$(jget /events/0/explanation/cause)" unknown &&
	is timeline "$(jget /events/0/explanation/diagnosis/timeline/#)" 0 &&
	jget /events/0/explanation/diagnosis/evidence/0 | grep -q "Logged packet: "
ok $? "event without a packet: cause unknown, evidence from the log dump"

# a broken diagnosis rule stops the run: exit 3, file and rule named
mkdir -p "$T/rules/diagnosis" "$T/rules/patterns"
cat >"$T/rules/diagnosis/bad.json" <<'JSON'
{"rules": [{"id": "guess", "cause": "window_overrun", "when": ["reason == tcp.seq_over_upper_bound"],
  "confidence": "high", "sentence": "s", "consequence": "c"}]}
JSON
run --format json --rules "$T/rules" "$S/midstream-pickup"
status_is 3 &&
	grep -q "^ctexplain: $T/rules/diagnosis/bad.json: rule 'guess': a cause needs packet-level evidence" "$T/err"
ok $? "a rule deciding from the message alone is rejected: exit 3, file and rule named"

done_testing
