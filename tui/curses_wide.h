/*
 * The one place noron includes curses: the wide-character ncursesw.
 */
#ifndef NORON_CURSES_WIDE_H
#define NORON_CURSES_WIDE_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <ncursesw/curses.h>

#endif
