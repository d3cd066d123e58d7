#include <cstdio>
int main() { std::puts("usage: claude-usagectl COMMAND"); return 2; }
