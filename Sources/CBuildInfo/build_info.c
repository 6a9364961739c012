#include "build_info.h"

// `scripts/record-commit` (run by `make`) writes commit.h, git-ignored, defining INFILL_COMMIT.
// A plain `swift build` has none and says so. The commit lives in this one C file so that a new
// commit recompiles only it and relinks, instead of every Swift module that shows the version.
#if __has_include("commit.h")
#include "commit.h"
#else
#define INFILL_COMMIT "unknown commit"
#endif

const char *infill_build_commit(void) { return INFILL_COMMIT; }
