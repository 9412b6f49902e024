# 大量資料下的清單：以游標分頁（從上一頁的最後一筆接著列）。
intel-filter-after = 分頁起點
scale-first-page = 第一頁
