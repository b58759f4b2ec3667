# SPDX-License-Identifier: GPL-2.0-or-later
# rules/: data loaded at run time; installed under $(pkgdatadir)/rules.
# List every rule file here (make distcheck needs them).
rulespatternsdir = $(pkgdatadir)/rules/patterns
dist_rulespatterns_DATA = \
	%D%/patterns/icmp.json \
	%D%/patterns/icmpv6.json \
	%D%/patterns/sctp.json \
	%D%/patterns/tcp.json \
	%D%/patterns/udp.json \
	%D%/patterns/udplite.json
rulesdiagnosisdir = $(pkgdatadir)/rules/diagnosis
dist_rulesdiagnosis_DATA = \
	%D%/diagnosis/causes.json \
	%D%/diagnosis/remedies.json
