/* SPDX-License-Identifier: MIT */
/* Translation for the programs (never the library): every sentence a
 * renderer prints goes through _() or ngettext(), N_() marks a sentence kept
 * in a table and translated where it is printed. The domain is bound in each
 * program's main(); until then gettext() returns the English source. */
#ifndef PS_SHARED_I18N_H
#define PS_SHARED_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) s

#endif
