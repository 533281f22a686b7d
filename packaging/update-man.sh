#!/bin/sh
# update-man.sh PAGE GENERATED: replace the lines between the markers
#   .\" BEGIN GENERATED OPTIONS   and   .\" END GENERATED OPTIONS
# of the man page PAGE by the file GENERATED (from gen-man-options).
set -eu
page=$1
gen=$2
grep -q '^\.\\" BEGIN GENERATED OPTIONS' "$page" || { echo "$page: no BEGIN marker" >&2; exit 1; }
awk -v gen="$gen" '
	/^\.\\" BEGIN GENERATED OPTIONS/ { print; while ((getline l < gen) > 0) print l; skip = 1; next }
	/^\.\\" END GENERATED OPTIONS/ { skip = 0 }
	!skip { print }
' "$page" > "$page.new"
mv "$page.new" "$page"
