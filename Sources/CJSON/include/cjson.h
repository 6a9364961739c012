#ifndef CJSON_H
#define CJSON_H
// C view of jsoncpp for the JSON-RPC wire codec. Swift cannot import C++ without turning on C++
// interop in every dependent target, so this header is plain C over opaque handles.
//
// Reading: cjson_parse gives a tree; walk it with the accessors; free it with cjson_free.
// Writing: build a tree with cjson_new_* / cjson_append / cjson_set, serialize it with cjson_write,
// then free the tree and the string.
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cjson_value cjson_value;  // a Json::Value

typedef enum {
    CJSON_NULL = 0,
    CJSON_BOOL = 1,
    CJSON_INT = 2,     // fits int64_t
    CJSON_UINT = 3,    // larger than INT64_MAX
    CJSON_DOUBLE = 4,
    CJSON_STRING = 5,
    CJSON_ARRAY = 6,
    CJSON_OBJECT = 7,
} cjson_type;

// Parses `length` bytes of JSON text (strict JSON: no comments, nothing after the value).
// Returns NULL on failure and writes a message (NUL-terminated, truncated to error_capacity) into error.
cjson_value *cjson_parse(const char *text, size_t length, char *error, size_t error_capacity);
void cjson_free(cjson_value *value);

cjson_type cjson_get_type(const cjson_value *value);
int cjson_get_bool(const cjson_value *value);
int64_t cjson_get_int(const cjson_value *value);
uint64_t cjson_get_uint(const cjson_value *value);
double cjson_get_double(const cjson_value *value);
// Pointer into the tree (valid until cjson_free); strings may contain NUL bytes, hence the length.
const char *cjson_get_string(const cjson_value *value, size_t *length);
// Element count of an array or member count of an object; 0 otherwise.
size_t cjson_size(const cjson_value *value);
const cjson_value *cjson_array_at(const cjson_value *value, size_t index);

// Object members are visited with an iterator; both the key and the value point into the tree.
typedef struct cjson_members cjson_members;
cjson_members *cjson_members_begin(const cjson_value *object);
// Returns 0 when done; otherwise fills key/key_length/value and advances.
int cjson_members_next(cjson_members *members, const char **key, size_t *key_length,
                       const cjson_value **value);
void cjson_members_free(cjson_members *members);

cjson_value *cjson_new_null(void);
cjson_value *cjson_new_bool(int value);
cjson_value *cjson_new_int(int64_t value);
cjson_value *cjson_new_double(double value);
cjson_value *cjson_new_string(const char *bytes, size_t length);
cjson_value *cjson_new_array(void);
cjson_value *cjson_new_object(void);
// Moves `element` into the container and frees the handle.
void cjson_append(cjson_value *array, cjson_value *element);
void cjson_set(cjson_value *object, const char *key, size_t key_length, cjson_value *element);

// Compact UTF-8 serialization; returns a malloc'd NUL-terminated string (free with cjson_free_string).
char *cjson_write(const cjson_value *value, size_t *length);
void cjson_free_string(char *string);

#ifdef __cplusplus
}
#endif
#endif
