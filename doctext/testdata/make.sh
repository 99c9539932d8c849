#!/usr/bin/env bash
# Makes the legacy office files the doctext tests read, with LibreOffice (not
# with this project's code), from the sources beside them:
#   notice.html -> notice.doc (Word 97–2003, Writer's "MS Word 97" filter)
#   list.html   -> list.xls   (Excel 97–2003, Calc's "MS Excel 97" filter)
#   notice-ofd/ -> notice.ofd (an OFD package as GB/T 33190-2016 lays it out,
#                  its XML written by hand: no OFD writer is packaged here)
# WPS Office saves its own .wps and .et as these same compound files: the
# tests read notice.doc as notice.wps and list.xls as list.et.
# Needs libreoffice-calc-nogui and libreoffice-writer-nogui.
set -euo pipefail
cd "$(dirname "$0")"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
lo() { soffice --headless --norestore "-env:UserInstallation=file://$profile" "$@" >/dev/null; }
lo --infilter="HTML (StarWriter)" --convert-to doc:"MS Word 97" notice.html
lo --infilter="HTML (StarCalc)" --convert-to xls:"MS Excel 97" list.html
rm -f notice.ofd
(cd notice-ofd && python3 -m zipfile -c ../notice.ofd OFD.xml Doc_0)
ls -l notice.doc list.xls notice.ofd
