#!/usr/bin/env bash
# Makes the catalogue files the import tests read, with LibreOffice (not with
# this project's code), from the sources beside them:
#   sanxi-shjz.html  -> sanxi-shjz.xls   (Excel 97–2003; Calc's HTML import keeps the merged cells)
#   yiwu-jiaoyu.html -> yiwu-jiaoyu.docx (Word; Writer's HTML import makes w:vMerge and w:gridSpan)
#   multi.fods       -> multi.xlsx       (two sheets, one domain each, named only in their titles)
#   jy-3row.html     -> jy-3row.xlsx     (a header of three rows: 公开对象及方式 over 公开对象 over 全社会)
# sanxi-jy-gb18030.csv was typed as UTF-8 and converted with iconv -t GB18030.
# Needs libreoffice-calc-nogui and libreoffice-writer-nogui.
set -euo pipefail
cd "$(dirname "$0")"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
lo() { soffice --headless --norestore "-env:UserInstallation=file://$profile" "$@" >/dev/null; }
lo --infilter="HTML (StarCalc)" --convert-to xls sanxi-shjz.html
lo --infilter="HTML (StarWriter)" --convert-to docx:"MS Word 2007 XML" yiwu-jiaoyu.html
lo --convert-to xlsx multi.fods
lo --infilter="HTML (StarCalc)" --convert-to xlsx jy-3row.html
ls -l sanxi-shjz.xls yiwu-jiaoyu.docx multi.xlsx jy-3row.xlsx
