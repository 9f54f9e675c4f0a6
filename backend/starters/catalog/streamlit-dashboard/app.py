"""A small sales dashboard over data/sales.csv."""

from pathlib import Path

import pandas as pd
import streamlit as st

DATA = Path(__file__).parent / "data" / "sales.csv"


@st.cache_data
def load() -> pd.DataFrame:
    df = pd.read_csv(DATA, parse_dates=["month"])
    df["revenue"] = df["units"] * df["price"]
    return df


st.set_page_config(page_title="Sales dashboard", layout="wide")
st.title("Sales dashboard")

sales = load()
regions = sorted(sales["region"].unique())
chosen = st.sidebar.multiselect("Regions", regions, default=regions)
view = sales[sales["region"].isin(chosen)]

left, middle, right = st.columns(3)
left.metric("Revenue", f"${view['revenue'].sum():,.0f}")
middle.metric("Units sold", f"{view['units'].sum():,}")
right.metric("Regions", len(chosen))

monthly = view.groupby(["month", "region"])["revenue"].sum().unstack(fill_value=0)
st.subheader("Revenue by month")
st.line_chart(monthly)

st.subheader("The data")
st.dataframe(view, use_container_width=True)
