// Options are plain structs with defaults beside the fields. Each struct lists
// its fields once, in a ForEach visitor; this header parses, prints and
// serialises any such struct (cli/options_cli.h binds them to command lines).
//
//   struct SamplingOptions {
//     double temperature = 0.6;  // softmax temperature
//     int top_k = -1;            // -1 = off
//     template <class V> void ForEach(V&& v) {
//       v("temperature", temperature, "softmax temperature");
//       v("top_k", top_k, "keep the k most likely tokens; -1 = off");
//     }
//   };
//
// Supported field types: bool, int, long long, double, float, std::string,
// std::vector<int|long long|double|std::string>, and nested option structs
// (keys become "outer.inner", as in verl's `actor.clip_ratio_low`). A nested
// struct visited with the name "" is inlined: its keys join the outer level
// (a shared group such as eval::BootstrapOptions keeps the flat keys
// --bootstrap/--seed/--level of every command using it).
//
// A field may carry OptionAttr bits as a fourth argument,
//   v("runs", runs, "run directories", kOptRequired | kOptCommaList);
// the CLI binder reads them; serialisation and parsing ignore them.
// Command-line-only structs may also hold std::optional<std::string> fields
// (absent = not given); they are bound but never serialised.
//
// A shared group is declared once and reused two ways:
//   OptionView     some of a group's keys, in a chosen order, each as
//                  <prefix><key>: `rollout.val_temperature` is the sampling
//                  group's `temperature` bound with the prefix "val_"; a
//                  key may also be renamed (reward.extraction = extract.policy).
//   Overrides<T>   a flat group T whose keys are each given or unset; unset
//                  keys take the value of the defaults it is resolved against
//                  (Resolve(defaults, overrides)). Bound with T's keys and help;
//                  an unset key serialises as null (or its legacy spelling,
//                  `unset_as`), and reading null (or that spelling) unsets it.
#pragma once

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "core/strings.h"

namespace upt {

// How a field is bound on the command line (cli/options_cli.h).
enum OptionAttr : unsigned {
  kOptRequired = 1u << 0,    // must be given
  kOptPositional = 1u << 1,  // a positional argument named by the key, not a --flag
  kOptCommaList = 1u << 2,   // a list flag also splits a,b,c
  kOptNegated = 1u << 3,     // a bool bound as --no-<key>, which sets it to false
  kOptNoDefault = 1u << 4,   // help shows no default (sentinels explained in the help)
  kOptShortName = 1u << 5,   // also -<first letter of the key> (`-q` for --quiet)
};

// One key of an Overrides<T> as the visitor hands it out: the value and its
// given state (pointers into the Overrides).
template <class U>
struct OverrideLeaf {
  using value_type = U;
  U* value;
  std::set<std::string>* given;
  const std::map<std::string, OrderedJson>* unset_as;
  std::string name;
  bool IsGiven() const { return given->count(name) > 0; }
  void Unset() { given->erase(name); }
  // A value equal to the key's legacy unset spelling unsets the key.
  void Set(const U& v) {
    *value = v;
    auto it = unset_as->find(name);
    if (it != unset_as->end() && OrderedJson(v) == it->second) given->erase(name);
    else given->insert(name);
  }
};
template <class J, class U>
void to_json(J& j, const OverrideLeaf<U>& leaf) {
  if (leaf.IsGiven()) {
    j = *leaf.value;
    return;
  }
  auto it = leaf.unset_as->find(leaf.name);
  if (it != leaf.unset_as->end()) j = J::parse(it->second.dump());
  else j = nullptr;
}

namespace options_detail {
template <class U>
struct IsOverrideLeaf : std::false_type {};
template <class U>
struct IsOverrideLeaf<OverrideLeaf<U>> : std::true_type {};
}  // namespace options_detail

// A flat option group T whose keys are each given or unset (see the top of this
// file). `values` holds the given keys' values; the others are ignored.
template <class T>
struct Overrides {
  T values;
  std::set<std::string> given;
  std::map<std::string, OrderedJson> unset_as;  // a key's legacy spelling of "unset" (else null)

  bool IsGiven(const std::string& key) const { return given.count(key) > 0; }
  // Gives `key` the value `v`; throws upt::Error when T has no such key.
  template <class U>
  Overrides& Give(const std::string& key, const U& v) {
    bool found = false;
    values.ForEach([&](const char* name, auto& field, const char*, unsigned = 0) {
      if constexpr (std::is_assignable_v<decltype(field), const U&>) {
        if (key == name) {
          field = v;
          found = true;
        }
      }
    });
    if (!found) throw Error("no option '" + key + "' of this type in the group", "Overrides::Give");
    given.insert(key);
    return *this;
  }
  // Every key given, with the values of `v`.
  static Overrides AllGiven(const T& v) {
    Overrides o;
    o.values = v;
    o.values.ForEach([&](const char* name, auto&, const char*, unsigned = 0) { o.given.insert(name); });
    return o;
  }
  template <class V>
  void ForEach(V&& v) {
    values.ForEach([&](const char* name, auto& field, const char* help, unsigned attrs = 0) {
      OverrideLeaf<std::remove_reference_t<decltype(field)>> leaf{&field, &given, &unset_as, name};
      v(name, leaf, help, attrs | kOptNoDefault);
    });
  }
};

// `defaults` with every key given in `o` replaced by its value.
template <class T>
T Resolve(const T& defaults, const Overrides<T>& o) {
  T out = defaults;
  T& src = const_cast<T&>(o.values);
  out.ForEach([&](const char* name, auto& field, const char*, unsigned = 0) {
    if (!o.IsGiven(name)) return;
    src.ForEach([&](const char* from_name, auto& from, const char*, unsigned = 0) {
      if constexpr (std::is_same_v<std::decay_t<decltype(from)>, std::decay_t<decltype(field)>>)
        if (std::string(from_name) == name) field = from;
    });
  });
  return out;
}

// Keys of a group bound under other names (see the top of this file): `keys`
// in this order, each as prefix + key (or prefix + its Rename), its help
// wrapped in help_prefix/suffix.
template <class T>
struct OptionView {
  T* group;
  std::vector<std::string> keys;
  std::string prefix, help_prefix, help_suffix;
  std::map<std::string, std::string> renamed;
  // Binds `key` as `as` (a legacy name, e.g. reward.extraction for extract.policy).
  OptionView& Rename(const std::string& key, const std::string& as) {
    renamed[key] = as;
    return *this;
  }
  template <class V>
  void ForEach(V&& v) {
    for (const auto& want : keys) {
      bool found = false;
      group->ForEach([&](const char* name, auto& field, const char* help, unsigned attrs = 0) {
        if (want != name) return;
        found = true;
        auto it = renamed.find(want);
        const std::string key = prefix + (it == renamed.end() ? want : it->second);
        const std::string h = help_prefix + (help ? help : "") + help_suffix;
        v(key.c_str(), field, h.c_str(), attrs);
      });
      if (!found) throw Error("the option view names no key '" + want + "' of its group", "OptionView");
    }
  }
};
template <class T>
OptionView<T> ViewOptions(T& group, std::vector<std::string> keys, std::string prefix = "",
                          std::string help_prefix = "", std::string help_suffix = "") {
  return {&group, std::move(keys), std::move(prefix), std::move(help_prefix), std::move(help_suffix), {}};
}

namespace options_detail {

template <class T, class = void>
struct IsOptions : std::false_type {};
template <class T>
struct IsOptions<T, std::void_t<decltype(std::declval<T&>().ForEach(std::declval<void (*)(const char*, int&, const char*)>()))>>
    : std::true_type {};

// Visits every leaf field with its dotted key.
template <class T, class F>
void VisitLeaves(T& opts, const std::string& prefix, F&& f);

template <class F>
struct LeafVisitor {
  const std::string& prefix;
  F& f;
  template <class U>
  void operator()(const char* name, U& field, const char* help, unsigned attrs = 0) const {
    std::string key = prefix.empty() || !*name ? prefix + name : prefix + "." + name;
    if constexpr (IsOptions<U>::value) {
      VisitLeaves(field, key, f);
    } else if constexpr (std::is_invocable_v<F&, const std::string&, U&, const char*, unsigned>) {
      f(key, field, help, attrs);
    } else {
      f(key, field, help);
    }
  }
};

template <class T, class F>
void VisitLeaves(T& opts, const std::string& prefix, F&& f) {
  LeafVisitor<std::remove_reference_t<F>> v{prefix, f};
  opts.ForEach(v);
}

// Parses one value from text (CLI / --set key=value); throws on bad input.
void ParseValue(const std::string& key, const std::string& text, bool* out);
void ParseValue(const std::string& key, const std::string& text, int* out);
void ParseValue(const std::string& key, const std::string& text, long long* out);
void ParseValue(const std::string& key, const std::string& text, double* out);
void ParseValue(const std::string& key, const std::string& text, float* out);
void ParseValue(const std::string& key, const std::string& text, std::string* out);
template <class E>
void ParseValue(const std::string& key, const std::string& text, std::vector<E>* out) {
  out->clear();
  std::string body(Trim(text));
  if (body.size() >= 2 && body.front() == '[' && body.back() == ']') body = body.substr(1, body.size() - 2);
  if (Trim(body).empty()) return;
  for (const auto& part : Split(body, ',')) {
    E e{};
    ParseValue(key, std::string(Trim(part)), &e);
    out->push_back(e);
  }
}

template <class U>
void ParseValue(const std::string& key, const std::string& text, OverrideLeaf<U>* out) {
  U v{};
  ParseValue(key, text, &v);
  out->Set(v);
}

template <class U>
void FromJsonValue(const std::string& key, const Json& j, U* out, const std::string& where) {
  try {
    // Every number is range-checked here, once for all options: floating values
    // must be finite (`lr: .inf`, 1e999), integers must fit their field (no wrap).
    if constexpr (std::is_floating_point_v<U>) {
      if (!j.is_number()) throw Error("expected a number", where + ": key '" + key + "'");
      const double d = j.get<double>();
      if (!std::isfinite(static_cast<U>(d)))
        throw Error("must be a finite number, got " + j.dump(), where + ": key '" + key + "'",
                    "infinite and NaN values are not valid option values");
      *out = static_cast<U>(d);
    } else if constexpr (std::is_same_v<U, bool>) {
      if (!j.is_boolean()) throw Error("expected true or false", where + ": key '" + key + "'");
      *out = j.get<bool>();
    } else if constexpr (std::is_integral_v<U>) {
      if (!j.is_number_integer()) throw Error("expected an integer", where + ": key '" + key + "'");
      const auto max = static_cast<unsigned long long>(std::numeric_limits<U>::max());
      bool fits;
      if (j.is_number_unsigned()) {
        fits = j.get<unsigned long long>() <= max;
      } else {
        const long long x = j.get<long long>();
        fits = x >= 0 ? static_cast<unsigned long long>(x) <= max
                      : std::is_signed_v<U> && x >= static_cast<long long>(std::numeric_limits<U>::min());
      }
      if (!fits) throw Error("integer " + j.dump() + " is out of range", where + ": key '" + key + "'");
      *out = j.get<U>();
    } else if constexpr (std::is_same_v<U, std::string>) {
      if (!j.is_string()) throw Error("expected a string", where + ": key '" + key + "'");
      *out = j.get<std::string>();
    } else {
      *out = j.get<U>();
    }
  } catch (const Json::exception& e) {
    throw Error(std::string("wrong type: ") + e.what(), where + ": key '" + key + "'",
                "check the value's type against `upt ... --help`");
  }
}

// null (or the key's legacy unset spelling) unsets an Overrides key.
template <class U>
void FromJsonValue(const std::string& key, const Json& j, OverrideLeaf<U>* out, const std::string& where) {
  if (j.is_null()) {
    out->Unset();
    return;
  }
  U v{};
  FromJsonValue(key, j, &v, where);
  out->Set(v);
}

}  // namespace options_detail

// All dotted keys of an options struct.
template <class T>
std::vector<std::string> OptionKeys(T& opts) {
  std::vector<std::string> keys;
  options_detail::VisitLeaves(opts, "", [&](const std::string& k, auto&, const char*) { keys.push_back(k); });
  return keys;
}

// Serialises to a flat JSON object keyed by dotted names (stable order).
template <class T>
OrderedJson OptionsToJson(const T& opts_in) {
  T& opts = const_cast<T&>(opts_in);
  OrderedJson j = OrderedJson::object();
  options_detail::VisitLeaves(opts, "", [&](const std::string& k, auto& v, const char*) { j[k] = v; });
  return j;
}

// Sets one option from "key" and a text value; unknown keys name the closest one.
template <class T>
void SetOption(T& opts, const std::string& key, const std::string& value, const std::string& where = "--set") {
  bool found = false;
  options_detail::VisitLeaves(opts, "", [&](const std::string& k, auto& v, const char*) {
    if (k == key) {
      options_detail::ParseValue(k, value, &v);
      found = true;
    }
  });
  if (!found) throw Error(UnknownNameMessage("option", key, OptionKeys(opts)), where);
}

// Applies "key=value".
template <class T>
void ApplyOverride(T& opts, const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos)
    throw Error("expected key=value, got '" + assignment + "'", "--set", "write e.g. --set rollout.n=8");
  SetOption(opts, std::string(Trim(assignment.substr(0, eq))), std::string(Trim(assignment.substr(eq + 1))));
}

// Reads options from a flat or nested JSON object. Unknown keys are errors
// naming the key, `where` and the closest valid key.
template <class T>
void OptionsFromJson(T& opts, const Json& j, const std::string& where) {
  // Flatten nested objects into dotted keys.
  std::vector<std::pair<std::string, const Json*>> flat;
  std::vector<std::pair<std::string, const Json*>> stack{{"", &j}};
  while (!stack.empty()) {
    auto [prefix, node] = stack.back();
    stack.pop_back();
    for (auto it = node->begin(); it != node->end(); ++it) {
      std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
      if (it->is_object()) stack.push_back({key, &*it});
      else flat.push_back({key, &*it});
    }
  }
  auto keys = OptionKeys(opts);
  for (const auto& kv : flat) {
    const std::string& key = kv.first;
    const Json* value = kv.second;
    bool found = false;
    options_detail::VisitLeaves(opts, "", [&](const std::string& k, auto& v, const char*) {
      if (k == key) {
        options_detail::FromJsonValue(k, *value, &v, where);
        found = true;
      }
    });
    if (!found) throw Error(UnknownNameMessage("key", key, keys), where, "remove or rename the key");
  }
}

// "key = value  # help" lines, for --print-config and logs.
template <class T>
std::string OptionsToText(const T& opts_in) {
  T& opts = const_cast<T&>(opts_in);
  std::string out;
  options_detail::VisitLeaves(opts, "", [&](const std::string& k, auto& v, const char* help) {
    out += k + " = " + OrderedJson(v).dump() + (help && *help ? std::string("  # ") + help : "") + "\n";
  });
  return out;
}

}  // namespace upt
