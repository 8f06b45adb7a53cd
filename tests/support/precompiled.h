// Precompiled once per build and reused by every test executable (tests/CMakeLists.txt).
// Each test source otherwise parses all of QtCore through <QtTest>, plus QtNetwork and much of
// the standard library: about 7 of the ~16 s a test takes to compile at -O2 -g. QtTest itself
// stays out: its headers test QT_TESTCASE_SOURCEDIR and QT_*_LIB, which differ between test
// directories and would make GCC reject the precompiled header for most of them.
#pragma once

#include <QtCore>
#include <QtNetwork>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>
