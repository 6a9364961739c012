#ifndef INFILL_BUILD_INFO_H
#define INFILL_BUILD_INFO_H

/// The git commit the binary was built from ("unknown commit" when the build did not record one).
const char *infill_build_commit(void);

#endif
