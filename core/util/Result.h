#pragma once
// Value-or-error for fallible operations. The error is a message a person can
// act on: which file, what was wrong, what to do.

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace ms {

struct Error {
    std::string message;
};

// Builds an Error from a message.
inline Error fail(std::string message) { return Error{std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    // The value; throws std::runtime_error with the message when there is none.
    T &value() & { check(); return std::get<0>(m_v); }
    const T &value() const & { check(); return std::get<0>(m_v); }
    T &&value() && { check(); return std::get<0>(std::move(m_v)); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }

    // The error message; empty when ok().
    const std::string &error() const {
        static const std::string none;
        return ok() ? none : std::get<1>(m_v).message;
    }

private:
    void check() const {
        if (!ok()) throw std::runtime_error(std::get<1>(m_v).message);
    }
    std::variant<T, Error> m_v;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_failed(true), m_error(std::move(error.message)) {}
    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const std::string &error() const { return m_error; }
    void value() const { if (m_failed) throw std::runtime_error(m_error); }

private:
    bool m_failed = false;
    std::string m_error;
};

using Status = Result<void>;

} // namespace ms
