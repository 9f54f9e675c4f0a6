"""Monthly weather averages from data/weather.csv, with a chart."""

import matplotlib.pyplot as plt
import pandas as pd

weather = pd.read_csv("data/weather.csv", parse_dates=["date"])
weather["month"] = weather["date"].dt.to_period("M").astype(str)

monthly = weather.groupby(["month", "city"])["temp_c"].mean().unstack().round(1)
print("Average temperature by month (°C):")
print(monthly)

ax = monthly.plot(marker="o", figsize=(8, 4), title="Average temperature by month")
ax.set_xlabel("Month")
ax.set_ylabel("°C")
plt.tight_layout()
plt.show()

weather.groupby("city")["rain_mm"].sum().round(1).to_frame("total rain (mm)")
