# 大量資料下的清單：以游標分頁（從上一頁的最後一筆接著列）。
intel-filter-after = 分頁起點
scale-first-page = 第一頁
scale-next-page = 下一頁
desk-filter-after = 分頁起點
