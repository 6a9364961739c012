#ifndef CJSON_H
#define CJSON_H
// C view of jsoncpp for the JSON-RPC wire codec.
#include <stddef.h>
#endif
