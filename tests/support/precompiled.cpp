// Empty: the target exists to build support/precompiled.h once for every test.
