#include "tables.hpp"

#include "builder.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <map>
#include <mutex>
#include <sstream>

#include "dorsum/anatomy.hpp"
#include "dorsum/error.hpp"

namespace dorsum::anatomy {

std::string_view dataFile(const std::string& name) {
  const auto& files = embeddedFiles();
  const auto it = files.find(name);
  if (it == files.end()) throw Error(fmt::format("built-in anatomy file '{}' is missing", name));
  return it->second;
}

toml::value parseDataFile(const std::string& name) {
  // Parsed once per program: the embedded files never change, and a model build reads each of
  // them (the tests and the variants of a scenario build many models). Callers get a copy, so
  // the cache is only read under the lock.
  static std::mutex mutex;
  static std::map<std::string, toml::value> parsed;
  const std::lock_guard<std::mutex> lock(mutex);
  auto it = parsed.find(name);
  if (it == parsed.end()) {
    std::istringstream in{std::string(dataFile(name))};
    try {
      it = parsed.emplace(name, toml::parse(in, name)).first;
    } catch (const std::exception& e) {
      throw Error(fmt::format("built-in anatomy file {} does not parse: {}", name, e.what()));
    }
  }
  return it->second;
}

Table root(const toml::value& file, const std::string& name) {
  return {&file, name};
}

static std::string join(const std::string& where, const std::string& key) {
  return where.find('[') == std::string::npos
             ? fmt::format("{} [{}]", where, key)
             : fmt::format("{}.{}]", where.substr(0, where.size() - 1), key);
}

bool Table::has(const std::string& key) const {
  return value->is_table() && value->as_table().count(key) > 0;
}

const toml::value& Table::raw(const std::string& key) const {
  if (!has(key)) throw Error(fmt::format("built-in anatomy: {} has no key '{}'", where, key));
  return value->as_table().at(key);
}

Table Table::at(const std::string& key) const {
  const toml::value& v = raw(key);
  if (!v.is_table())
    throw Error(fmt::format("built-in anatomy: {} '{}' is not a table", where, key));
  return {&v, join(where, key)};
}

double Table::number(const std::string& key) const {
  const toml::value& v = raw(key);
  if (v.is_floating()) return v.as_floating();
  if (v.is_integer()) return static_cast<double>(v.as_integer());
  throw Error(fmt::format("built-in anatomy: {} '{}' is not a number", where, key));
}

double Table::numberOr(const std::string& key, double fallback) const {
  return has(key) ? number(key) : fallback;
}

std::string Table::text(const std::string& key) const {
  const toml::value& v = raw(key);
  if (!v.is_string())
    throw Error(fmt::format("built-in anatomy: {} '{}' is not a string", where, key));
  return v.as_string().str;
}

Vec3 Table::vec3(const std::string& key) const {
  const toml::value& v = raw(key);
  if (!v.is_array() || v.as_array().size() != 3)
    throw Error(fmt::format("built-in anatomy: {} '{}' is not a 3-vector", where, key));
  Vec3 out;
  for (int i = 0; i < 3; ++i) {
    const toml::value& x = v.as_array()[i];
    out[i] = x.is_integer() ? static_cast<double>(x.as_integer()) : x.as_floating();
  }
  return out;
}

std::vector<std::string> Table::keys() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : value->as_table()) out.push_back(k);
  std::sort(out.begin(), out.end());  // the parser keeps no order; sorted for determinism
  return out;
}

std::vector<Table> Table::array(const std::string& key) const {
  const toml::value& v = raw(key);
  if (!v.is_array())
    throw Error(fmt::format("built-in anatomy: {} '{}' is not an array", where, key));
  std::vector<Table> out;
  const auto& items = v.as_array();
  for (size_t i = 0; i < items.size(); ++i)
    out.push_back({&items[i], fmt::format("{} {}[{}]", where, key, i)});
  return out;
}

}  // namespace dorsum::anatomy
