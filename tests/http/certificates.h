/* certificates.h: the HTTP suite's certificate tests (certificates.c). */
#ifndef CITKIT_HTTP_CERTIFICATES_H
#define CITKIT_HTTP_CERTIFICATES_H

void test_certificates_walk(void **state);
void test_certificate_pages(void **state);

#endif
