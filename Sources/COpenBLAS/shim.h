#include <cblas.h>
// Exposed so the engine can report and set the thread count OpenBLAS uses.
int openblas_get_num_threads(void);
void openblas_set_num_threads(int);
char *openblas_get_corename(void);
