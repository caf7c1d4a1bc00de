/**
 * Stage two's entry: what premain hands over to through the isolating class loader. It parses the
 * options and connects the weave ({@code instrument}) to the spawn hooks ({@code core}); the only
 * package that knows both, so that neither of them needs the other's entry point.
 */
package dev.tether.entry;
