#include "cjson.h"
#include <json/json.h>
