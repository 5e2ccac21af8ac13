#include <cstdio>
int main() { std::puts("mammocad " MAMMOCAD_VERSION); return 0; }
