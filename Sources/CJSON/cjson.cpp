// jsoncpp behind the C API of include/cjson.h. Handles are Json::Value pointers.
#include "cjson.h"

#include <json/json.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>

struct cjson_value : Json::Value {
    using Json::Value::Value;
    explicit cjson_value(Json::Value &&other) : Json::Value(std::move(other)) {}
};

struct cjson_members {
    Json::Value::const_iterator current;
    Json::Value::const_iterator end;
};

static const Json::Value &V(const cjson_value *value) { return *static_cast<const Json::Value *>(value); }

extern "C" cjson_value *cjson_parse(const char *text, size_t length, char *error, size_t error_capacity) {
    Json::CharReaderBuilder builder;
    Json::CharReaderBuilder::strictMode(&builder.settings_);
    builder.settings_["strictRoot"] = false;     // any value may be the root; JSON-RPC checks the shape
    builder.settings_["rejectDupKeys"] = false;  // last key wins, as most JSON readers do
    builder.settings_["stackLimit"] = 256;       // bound the recursion on hostile input
    std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
    Json::Value root;
    std::string errors;
    bool ok = false;
    try {
        ok = reader->parse(text, text + length, &root, &errors);
    } catch (const std::exception &e) {
        errors = e.what();
    }
    if (!ok) {
        if (error && error_capacity > 0) {
            while (!errors.empty() && (errors.back() == '\n' || errors.back() == ' ')) errors.pop_back();
            size_t n = errors.size() < error_capacity - 1 ? errors.size() : error_capacity - 1;
            std::memcpy(error, errors.data(), n);
            error[n] = 0;
        }
        return nullptr;
    }
    return new cjson_value(std::move(root));
}

extern "C" void cjson_free(cjson_value *value) { delete value; }

extern "C" cjson_type cjson_get_type(const cjson_value *value) {
    switch (V(value).type()) {
        case Json::nullValue: return CJSON_NULL;
        case Json::booleanValue: return CJSON_BOOL;
        case Json::intValue: return CJSON_INT;
        case Json::uintValue: return V(value).isInt64() ? CJSON_INT : CJSON_UINT;
        case Json::realValue: return CJSON_DOUBLE;
        case Json::stringValue: return CJSON_STRING;
        case Json::arrayValue: return CJSON_ARRAY;
        case Json::objectValue: return CJSON_OBJECT;
    }
    return CJSON_NULL;
}

extern "C" int cjson_get_bool(const cjson_value *value) { return V(value).asBool() ? 1 : 0; }
extern "C" int64_t cjson_get_int(const cjson_value *value) { return V(value).asInt64(); }
extern "C" uint64_t cjson_get_uint(const cjson_value *value) { return V(value).asUInt64(); }
extern "C" double cjson_get_double(const cjson_value *value) { return V(value).asDouble(); }

extern "C" const char *cjson_get_string(const cjson_value *value, size_t *length) {
    const char *begin = nullptr, *end = nullptr;
    if (!V(value).getString(&begin, &end) || begin == nullptr) {
        *length = 0;
        return "";
    }
    *length = static_cast<size_t>(end - begin);
    return begin;
}

extern "C" size_t cjson_size(const cjson_value *value) {
    const Json::Value &v = V(value);
    return (v.isArray() || v.isObject()) ? v.size() : 0;
}

extern "C" const cjson_value *cjson_array_at(const cjson_value *value, size_t index) {
    const Json::Value &element = V(value)[static_cast<Json::ArrayIndex>(index)];
    return static_cast<const cjson_value *>(&element);
}

extern "C" cjson_members *cjson_members_begin(const cjson_value *object) {
    return new cjson_members{V(object).begin(), V(object).end()};
}

extern "C" int cjson_members_next(cjson_members *members, const char **key, size_t *key_length,
                                  const cjson_value **value) {
    if (members->current == members->end) return 0;
    const char *end = nullptr;
    *key = members->current.memberName(&end);
    *key_length = (*key && end) ? static_cast<size_t>(end - *key) : 0;
    if (!*key) *key = "";
    *value = static_cast<const cjson_value *>(&*members->current);
    ++members->current;
    return 1;
}

extern "C" void cjson_members_free(cjson_members *members) { delete members; }

extern "C" cjson_value *cjson_new_null(void) { return new cjson_value(Json::nullValue); }
extern "C" cjson_value *cjson_new_bool(int value) { return new cjson_value(value != 0); }
extern "C" cjson_value *cjson_new_int(int64_t value) { return new cjson_value(static_cast<Json::Int64>(value)); }
extern "C" cjson_value *cjson_new_double(double value) { return new cjson_value(value); }
extern "C" cjson_value *cjson_new_string(const char *bytes, size_t length) {
    return new cjson_value(bytes, bytes + length);
}
extern "C" cjson_value *cjson_new_array(void) { return new cjson_value(Json::arrayValue); }
extern "C" cjson_value *cjson_new_object(void) { return new cjson_value(Json::objectValue); }

extern "C" void cjson_append(cjson_value *array, cjson_value *element) {
    static_cast<Json::Value *>(array)->append(std::move(*static_cast<Json::Value *>(element)));
    delete element;
}

extern "C" void cjson_set(cjson_value *object, const char *key, size_t key_length, cjson_value *element) {
    Json::Value &slot = static_cast<Json::Value *>(object)->operator[](std::string(key, key_length));
    slot = std::move(*static_cast<Json::Value *>(element));
    delete element;
}

extern "C" char *cjson_write(const cjson_value *value, size_t *length) {
    Json::StreamWriterBuilder builder;
    builder["indentation"] = "";
    builder["emitUTF8"] = true;  // raw UTF-8 instead of \u escapes: smaller frames
    builder["precision"] = 17;
    std::string text = Json::writeString(builder, V(value));
    char *out = static_cast<char *>(std::malloc(text.size() + 1));
    if (!out) return nullptr;
    std::memcpy(out, text.data(), text.size());
    out[text.size()] = 0;
    *length = text.size();
    return out;
}

extern "C" void cjson_free_string(char *string) { std::free(string); }
