# Listings at scale: pages by cursor (each starts after the last record of the page before).
intel-filter-after = Page start
scale-first-page = First page
scale-next-page = Next page
desk-filter-after = Page start
