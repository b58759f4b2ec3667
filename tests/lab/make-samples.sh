#!/bin/sh
echo "make-samples: not written yet" >&2
exit 1
