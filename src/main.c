/* main.c: scaffold until the command table lands (issue 2, CLI). */
#include <stdio.h>

int main(void)
{
	puts("citkit 0.1.0");
	return 0;
}
